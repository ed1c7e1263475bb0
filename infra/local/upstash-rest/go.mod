module graphgate.local/upstash-rest

go 1.22
