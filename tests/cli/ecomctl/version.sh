# --version names ecomctl and every linked library.
set -e
"$ECOMCTL" --version > v
for lib in ecomctl libcsv zlib cJSON XGBoost libmongoc libbson; do
	grep -q "$lib" v || { echo "no $lib in --version"; exit 1; }
done
