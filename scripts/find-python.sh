#!/usr/bin/env bash
# Usage: find-python.sh [VERSION [WHAT NEEDS IT]]
# Prints the path of a Python interpreter of that version (default 3.13, for ACA-Py) that really runs.
# A pyenv shim named python3.13 (say) can be on PATH and still fail, so each candidate is executed.
set -u
want="${1:-3.13}"
needed_by="${2:-ACA-Py 1.7}"
candidates=()
command -v "python$want" >/dev/null 2>&1 && candidates+=("$(command -v "python$want")")
if command -v pyenv >/dev/null 2>&1; then
  root=$(pyenv root 2>/dev/null)
  for dir in "$root"/versions/$want.*; do
    [ -x "$dir/bin/python3" ] && candidates+=("$dir/bin/python3")
  done
fi
for python in "${candidates[@]}"; do
  if version=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null) \
      && [ "$version" = "$want" ]; then
    echo "$python"
    exit 0
  fi
done
cat >&2 <<MSG
No working Python $want found (looked for python$want on PATH, then pyenv's versions/$want*).
$needed_by needs Python $want. Install it, for example:
  pyenv install $want          (then run make again)
  apt-get install python$want python$want-venv   (where your distribution ships it)
MSG
exit 1
