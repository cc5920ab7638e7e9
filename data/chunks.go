package data

// chunkElems is how many pixels one goroutine of par.FirstIndex handles at a
// time: 4 MiB of float64, large enough that the goroutines' bookkeeping is
// negligible and small enough that two cores share MNIST's training set
// (47 million pixels) evenly. Tests lower it to run several chunks on small
// sets.
var chunkElems = 1 << 19

// finite reports whether x is neither NaN nor ±Inf: x − x is exactly 0 for
// every finite x and NaN otherwise. It is one subtraction, cheaper than
// math.IsNaN and math.IsInf together in the loops over every pixel.
func finite(x float64) bool { return x-x == 0 }
