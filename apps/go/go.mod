module k8s-bench/apps/go

go 1.26
