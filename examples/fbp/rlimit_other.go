//go:build !unix

package main

// addressSpaceLimit returns 0: no address-space limit is known here.
func addressSpaceLimit() int64 { return 0 }
