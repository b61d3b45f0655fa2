# lib.sh - what the script tests share: `check DESCRIPTION COMMAND...` runs the command
# and prints "NAME: ok: ..." or "NAME: FAILED: ..." (setting failed=1), and `contains
# TEXT PART`. Sourced by tests/scripts/test_*.sh after they set NAME.
failed=0
check() {
    description=$1
    shift
    if "$@"; then
        echo "$NAME: ok: $description"
    else
        echo "$NAME: FAILED: $description"
        failed=1
    fi
}
contains() { case $1 in *"$2"*) return 0 ;; esac; return 1; }
