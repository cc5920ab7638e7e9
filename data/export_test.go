package data

// SetMaxKeepRatio sets maxKeepRatio for the external tests and returns a
// function that restores it; 0 makes every gzip file decompress twice.
func SetMaxKeepRatio(r int64) (restore func()) {
	old := maxKeepRatio
	maxKeepRatio = r
	return func() { maxKeepRatio = old }
}
