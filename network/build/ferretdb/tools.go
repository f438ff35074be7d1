//go:build tools

// Package tools makes `go mod tidy` pin every dependency of the ferretdb command.
package tools

import _ "github.com/FerretDB/FerretDB/cmd/ferretdb"
