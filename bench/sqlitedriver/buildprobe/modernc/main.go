// Command modernc is a minimal program importing modernc.org/sqlite, used only
// to measure `go build -a` time and binary size (see ../../main.go -build).
package main

import (
	"database/sql"
	"fmt"

	_ "modernc.org/sqlite"
)

func main() {
	db, err := sql.Open("sqlite", "file::memory:")
	if err != nil {
		panic(err)
	}
	var v string
	if err := db.QueryRow("select sqlite_version()").Scan(&v); err != nil {
		panic(err)
	}
	fmt.Println(v)
}
