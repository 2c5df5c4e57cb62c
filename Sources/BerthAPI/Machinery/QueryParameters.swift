/// Query parameters read as the kube-apiserver and the kubelet read them.
public enum QueryParameters {
    /// A boolean parameter (apimachinery's `Convert_Slice_string_To_bool`): absent, "0" or
    /// "false" in any case is false, anything else true. Clients differ: kubectl sends "true",
    /// client-go "1" or "true", the Python client "True".
    public static func bool(_ value: String?) -> Bool {
        guard let value else { return false }
        return value != "0" && value.lowercased() != "false"
    }
}
