# An output whose directory cannot be made (a file is in the way): exit 73.
printf 'event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session\n2019-10-01 00:00:00 UTC,view,1,2,a.b,x,1.00,3,s\n' > in.csv
: > file
"$ECOMCTL" -q features -o file/features.csv in.csv
