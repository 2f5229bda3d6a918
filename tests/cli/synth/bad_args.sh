"$ECOMCTL" synth --profile grocery --rows 10
