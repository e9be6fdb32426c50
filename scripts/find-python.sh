#!/usr/bin/env bash
# Prints the path of a Python 3.13 interpreter that really runs.
# A pyenv shim named python3.13 can be on PATH and still fail, so each candidate is executed.
set -u
want="3.13"
candidates=()
command -v python3.13 >/dev/null 2>&1 && candidates+=("$(command -v python3.13)")
if command -v pyenv >/dev/null 2>&1; then
  root=$(pyenv root 2>/dev/null)
  for dir in "$root"/versions/3.13*; do
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
ACA-Py 1.7 needs Python $want. Install it, for example:
  pyenv install $want          (then run make again)
  apt-get install python$want python$want-venv   (where your distribution ships it)
MSG
exit 1
