// Command baken is the Baken threat-notification service. See the README.
package main

import (
	"os"

	"github.com/baken-cert/baken/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:]))
}
