#!/usr/bin/env bash
# Prepares the corpus of examples/fortunes/*.yaml: the quotations of Debian's 'fortunes' package
# (about 15,000 short English texts, 2.6 MB), as a 4096-id BPE tokenizer and two prepared
# corpora, one per vocabulary, so that the two runs compare in bits per byte. About 30 s.
#   sudo apt install fortunes     (or FORTUNES=DIR for another folder of %-separated text)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
emergent="$here/../../emergent"
corpus="${FORTUNES:-/usr/share/games/fortunes}"
if [[ ! -d "$corpus" ]]; then
  echo "prepare.sh: no $corpus; install Debian's fortunes package (apt install fortunes)" \
    "or set FORTUNES to a folder of %-separated text files" >&2
  exit 2
fi
"$emergent" tokenizer train --vocab 4096 --delimiter % -o "$here/data/tokenizer.json" "$corpus"
"$emergent" data prepare --tokenizer "$here/data/tokenizer.json" --delimiter % \
  -o "$here/data/bpe" "$corpus"
"$emergent" data prepare --tokenizer bytes --delimiter % -o "$here/data/bytes" "$corpus"
