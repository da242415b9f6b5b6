module github.com/screener-dev/screener/bindings/go

go 1.24
