// Command baseline imports database/sql but no driver: the reference point for
// the build-time and binary-size figures of the two driver probes.
package main

import (
	"database/sql"
	"fmt"
)

func main() {
	fmt.Println(sql.Drivers())
}
