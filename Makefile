# SPDX-License-Identifier: GPL-2.0
# The front door of the DAMON project.  Our kernel files sit at their kernel
# paths in this repository; harness/ turns them into a booted kernel.
#
#   make setup     install what is needed, from Debian's archive (idempotent)
#   make kernel    assemble the tree and build what is stale; prints the bzImage
#   make check     set up, build, boot once and run every test; "N passed, N failed"
#   make check-debug   the same on the debug kernel (KASAN, lockdep, kmemleak,
#                  failslab, ...; harness/config/debug.config); .ci/run runs both
#   make demo      the main job: record a workload whose hot spot moves, in
#                  our kernel, and show the heatmap (terminal and PNG) and the
#                  working-set summary; results/demo/
#   make record CMD="..."  the same for your own command; results/record/
#   make vm CMD="..."  run a command in a fresh DAMON kernel
#   make damon-objs    compile only mm/damon/ (a quick compile check)
#   make bench     our DAMON against upstream's and idle page tracking: CPU,
#                  precision/recall, time to find hot spots; results/bench/
#   make bench-reclaim  proactive reclaim of Redis by a pageout scheme, ours
#                  against upstream's DAMOS; results/bench-reclaim/
#   make patches   the patch series against the base, checked (checkpatch, git am,
#                  each patch builds); results/patches/

HARNESS := harness
LOCKED  := flock $(or $(DAMON_CACHE),/var/cache/damon-harness)/.lock

.PHONY: setup kernel check check-debug demo record tools vm damon-objs patches bench bench-reclaim clean

setup:
	@bash $(HARNESS)/setup.sh

kernel: setup
	@mkdir -p $(or $(DAMON_CACHE),/var/cache/damon-harness)
	@$(LOCKED) bash $(HARNESS)/build.sh

damon-objs: setup
	@mkdir -p $(or $(DAMON_CACHE),/var/cache/damon-harness)
	@$(LOCKED) bash $(HARNESS)/build.sh --objs mm/damon/

check: setup
	@bash $(HARNESS)/check.sh

check-debug: setup
	@DAMON_VARIANT=debug bash $(HARNESS)/check.sh

patches: setup
	@bash $(HARNESS)/patches.sh

tools:
	@$(MAKE) -C tools/damon --no-print-directory

# Not part of check: a benchmark that asserts nothing (16 minutes + lock waits).
bench: setup
	@bash $(HARNESS)/bench.sh

# Not part of check: proactive reclaim of Redis, without DAMON, with our
# pageout scheme and with upstream's (about 25 minutes); results/bench-reclaim/
bench-reclaim: setup kernel
	@bash $(HARNESS)/bench/reclaim.sh

demo: setup kernel tools
	@bash $(HARNESS)/demo.sh

ifneq ($(filter record,$(MAKECMDGOALS)),)
ifeq ($(strip $(CMD)),)
$(error usage: make record CMD="command [args]")
endif
endif
record: kernel tools
	@bash $(HARNESS)/record-vm.sh -- $(CMD)

vm:
	@bash $(HARNESS)/vm.sh -- $(CMD)

clean:
	rm -rf results
