//go:build tools

// Package tools makes `go mod tidy` pin every dependency of the Fabric CA commands we build.
package tools

import (
	_ "github.com/hyperledger/fabric-ca/cmd/fabric-ca-client"
	_ "github.com/hyperledger/fabric-ca/cmd/fabric-ca-server"
)
