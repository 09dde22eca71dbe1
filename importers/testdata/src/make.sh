#!/bin/sh
# Rebuilds the importer fixtures: make.py writes the sources, LibreOffice
# converts them into .xlsx (and one legacy .xls), and the broken files are
# cut from the good ones. Run from importers/testdata/src.
set -eu
python3 make.py
convert() { # format source: one conversion, its own LibreOffice profile
	prof=$(mktemp -d /tmp/lo-XXXXXX)
	soffice -env:UserInstallation=file://$prof --headless --convert-to "$1" --outdir .. "$2" >/dev/null
	rm -rf "$prof"
}
convert xlsx attendance-kv.fods &
convert xlsx unit-sheet.fods &
wait
convert xlsx unit-totals.fods &
convert xls roster-for-xls.csv &
wait
mv ../roster-for-xls.xls ../legacy.xls
# A truncated workbook: the first half of a good one.
head -c "$(( $(wc -c < ../unit-sheet.xlsx) / 2 ))" ../unit-sheet.xlsx > ../truncated.xlsx
# Text under an .xlsx name.
cp ../units.csv ../not-really.xlsx
# Binary bytes under a .csv name: a deterministic pseudo-random stream.
python3 -c "import random,sys; r=random.Random(7); sys.stdout.buffer.write(bytes(r.randrange(256) for _ in range(4096)))" > ../garbage.csv
rm -f roster-for-xls.csv
