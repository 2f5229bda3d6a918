# A rejects file that cannot be created: exit 73.
printf 'event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session\n' > a.csv
"$ECOMCTL" inspect --rejects /nonexistent-dir/x/r.csv a.csv
