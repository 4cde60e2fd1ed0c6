// Command mattn is a minimal program importing github.com/mattn/go-sqlite3
// (cgo), used only to measure `go build -a` time and binary size.
package main

import (
	"database/sql"
	"fmt"

	_ "github.com/mattn/go-sqlite3"
)

func main() {
	db, err := sql.Open("sqlite3", "file::memory:")
	if err != nil {
		panic(err)
	}
	var v string
	if err := db.QueryRow("select sqlite_version()").Scan(&v); err != nil {
		panic(err)
	}
	fmt.Println(v)
}
