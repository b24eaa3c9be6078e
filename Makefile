# SPDX-License-Identifier: GPL-2.0
# The front door of the DAMON project.  Our kernel files sit at their kernel
# paths in this repository; harness/ turns them into a booted kernel.
#
#   make setup     install what is needed, from Debian's archive (idempotent)
#   make kernel    assemble the tree and build what is stale; prints the bzImage
#   make check     set up, build, boot once and run every test; "N passed, N failed"
#   make vm CMD="..."  run a command in a fresh DAMON kernel
#   make damon-objs    compile only mm/damon/ (a quick compile check)

HARNESS := harness
LOCKED  := flock $(or $(DAMON_CACHE),/var/cache/damon-harness)/.lock

.PHONY: setup kernel check vm damon-objs clean

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

vm:
	@bash $(HARNESS)/vm.sh -- $(CMD)

clean:
	rm -rf results
