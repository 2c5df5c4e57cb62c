# Berth — build, rootfs, demo, tests. Run as root (containers need real namespaces).
SWIFT ?= swift
ROOTFS := rootfs/busybox
BUSYBOX := /bin/busybox
# libsqlite3-dev: GRDB builds against the system SQLite; python3-kubernetes brings /usr/bin/python3.
# kubectl comes with this kind of machine (it is not in Debian's archive); tests that need it say so.
APT_PACKAGES := busybox-static libseccomp-dev libcap-dev libsqlite3-dev crun iproute2 nftables python3-kubernetes

.PHONY: all deps build release rootfs demo test bench bench-cluster clean-rootfs

all: build

deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

build: deps rootfs
	$(SWIFT) build

# Release builds link the Swift runtime statically, as a deployment would: smaller resident
# memory and no dependency on the toolchain's libraries (README, Benchmarks).
RELEASE := -c release --static-swift-stdlib

release: deps rootfs
	$(SWIFT) build $(RELEASE)

# The busybox image: Debian's static busybox and one symlink per applet.
rootfs: $(ROOTFS)/bin/busybox

$(ROOTFS)/bin/busybox:
	@dpkg -s busybox-static >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq busybox-static)
	rm -rf $(ROOTFS).tmp
	mkdir -p $(ROOTFS).tmp/bin $(ROOTFS).tmp/sbin $(ROOTFS).tmp/usr/bin $(ROOTFS).tmp/usr/sbin \
		$(ROOTFS).tmp/etc $(ROOTFS).tmp/proc $(ROOTFS).tmp/sys $(ROOTFS).tmp/dev \
		$(ROOTFS).tmp/tmp $(ROOTFS).tmp/root $(ROOTFS).tmp/var/www $(ROOTFS).tmp/home
	chmod 1777 $(ROOTFS).tmp/tmp
	cp $(BUSYBOX) $(ROOTFS).tmp/bin/busybox
	for a in $$($(BUSYBOX) --list-full); do \
		[ "$$a" = bin/busybox ] || ln -sf /bin/busybox $(ROOTFS).tmp/$$a; done
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n' > $(ROOTFS).tmp/etc/passwd
	printf 'root:x:0:\nnogroup:x:65534:\n' > $(ROOTFS).tmp/etc/group
	echo 'hello from the berth sidecar' > $(ROOTFS).tmp/var/www/index.html
	rm -rf $(ROOTFS) && mv $(ROOTFS).tmp $(ROOTFS)

clean-rootfs:
	rm -rf $(ROOTFS) $(ROOTFS).tmp

# Unit tests and root tests with real namespaces, cgroups and overlayfs (run as root).
test: deps rootfs
	$(SWIFT) build
	$(SWIFT) test

demo: build
	.build/debug/berth run --rm -f examples/sidecar-pod.yaml

bench: release
	.build/release/berth-bench runtime

# berth server + berth agent: 100 pods one by one and at once.
bench-cluster: release
	.build/release/berth-bench cluster
