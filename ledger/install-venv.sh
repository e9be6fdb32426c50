#!/usr/bin/env bash
# Usage: ledger/install-venv.sh VENV
# Builds the Python 3.8 venv the development Indy pool runs in: indy-node and indy-plenum
# without their dependencies, then those dependencies with the pins measured to work
# (ledger/requirements.txt), then the rocksdb and ursa shims (ledger/shims/). Does nothing
# if VENV was built from the same requirements already.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
venv=${1:?usage: $0 VENV}
stamp="$venv/.installed"
if [ -f "$stamp" ] && [ "$stamp" -nt "$here/requirements.txt" ] && [ "$stamp" -nt "$0" ]; then
  exit 0
fi
python=$("$here/../scripts/find-python.sh" 3.8 "indy-node 1.13 (the development ledger)")
echo "Building the ledger venv $venv from $python (a few minutes, once)" >&2
rm -rf "$venv"
"$python" -m venv "$venv"
pip=("$venv/bin/python" -m pip install --quiet --disable-pip-version-check)
# orderedset, sha3, ujson and leveldb build from source with these (not with newer ones).
"${pip[@]}" "pip<25" "setuptools<70" wheel
"${pip[@]}" -r "$here/requirements.txt"
"${pip[@]}" --no-deps indy-plenum==1.13.1 indy-node==1.13.2
# The shims are plain modules on the venv's path (a .pth line pointing at ledger/shims).
site=$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
echo "$here/shims" > "$site/indy-ledger-shims.pth"
"$venv/bin/python" -c 'import plenum, indy_node, indy_common, ursa.bls, rocksdb' 
touch "$stamp"
