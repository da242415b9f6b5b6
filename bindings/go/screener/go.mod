module github.com/screener-dev/screener/bindings/go/screener

go 1.24
