package committee

import "math"

// This file holds the field algebra of ALGORITHMS §16. A message is a
// magnetization m ∈ [−1, 1] stored as its field a = atanh(m), so that
//
//	a ⊗ b = a + b                       (combine two messages)
//	a ⊘ b = a − b,   and x ⊘ x = 0      (remove b from a total; 0 also for x = ±Inf)
//	m ↑ x = tanh(x·atanh(m))            (field x·a)
//	damp(new, old, λ) = (1 − λ)·new + λ·old
//
// Fields are clamped to [−FieldMax, FieldMax] where they are converted from
// magnetizations or probabilities; only the clamped labels and the focusing
// message at γ = y = +Inf are infinite.

// FieldMax is the clamp of a field converted from a magnetization or from a
// pair of probabilities (the reference's mInf).
const FieldMax = 30.0

// combine returns a ⊗ b = a + b.
//
// Special cases are:
//
//	combine(+Inf, −Inf) = 0   (contradictory hard messages cancel, not NaN)
func combine(a, b float64) float64 {
	s := a + b
	if s != s && !math.IsNaN(a) && !math.IsNaN(b) {
		return 0
	}
	return s
}

// remove returns a ⊘ b = a − b, the cavity of the total a without b.
//
// Special cases are:
//
//	remove(x, x) = 0   (also for x = ±Inf)
func remove(a, b float64) float64 {
	if a == b {
		return 0
	}
	return a - b
}

// damp returns the damped field (1 − λ)·new + λ·old, 0 ≤ λ < 1.
//
// Special cases are:
//
//	damp(new, old, 0) = new
//	damp(±Inf, ∓Inf, λ) = 0   (0 < λ < 1)
//	damp(new, ±Inf, λ) = ±Inf (0 < λ < 1, new finite)
func damp(newf, old, lambda float64) float64 {
	if lambda == 0 {
		return newf
	}
	d := (1-lambda)*newf + lambda*old
	if d != d && !math.IsNaN(newf) && !math.IsNaN(old) {
		return 0
	}
	return d
}

// clampField clamps a to [−FieldMax, FieldMax].
func clampField(a float64) float64 {
	return math.Max(-FieldMax, math.Min(FieldMax, a))
}

// magField returns the field atanh(m) of the magnetization m, clamped to
// [−FieldMax, FieldMax] (m is first clamped to [−1, 1]).
func magField(m float64) float64 {
	return clampField(math.Atanh(math.Max(-1, math.Min(1, m))))
}

// probField returns the field ½·log(pp/pm) of the unnormalised pair of
// probabilities (pp, pm) of +1 and −1, clamped to [−FieldMax, FieldMax].
// pp + pm must be positive.
func probField(pp, pm float64) float64 {
	return clampField((math.Log(pp) - math.Log(pm)) / 2)
}

// lr returns log(1 + exp(−2|x|)); lr(±Inf) = 0.
func lr(x float64) float64 { return math.Log1p(math.Exp(-2 * math.Abs(x))) }

// log2cosh returns log(2·cosh(x)) = |x| + lr(x) without overflow.
func log2cosh(x float64) float64 { return math.Abs(x) + lr(x) }

// prodField returns the field of the product of the magnetizations of the
// fields a and b, atanh(tanh(a)·tanh(b)), computed as
//
//	½ ( |a + b| − |a − b| + lr(a + b) − lr(a − b) )
//
// so that it is exact for large fields.
//
// Special cases are:
//
//	prodField(0, ±Inf) = 0
//	prodField(a, ±Inf) = ±a
//	prodField(±Inf, ±Inf) = +Inf, prodField(±Inf, ∓Inf) = −Inf
func prodField(a, b float64) float64 {
	t1 := 2 * math.Min(math.Abs(a), math.Abs(b))
	if (a < 0) != (b < 0) {
		t1 = -t1
	}
	if math.IsInf(a, 0) || math.IsInf(b, 0) {
		return t1 / 2
	}
	return (t1 + lr(a+b) - lr(a-b)) / 2
}

// log1pxy returns log((1 + tanh(a)·tanh(b))/2) of two fields, evaluated as
//
//	log2cosh(a + b) − log2cosh(a) − log2cosh(b)
//
// Special cases are:
//
//	log1pxy(±Inf, b) = ±b − log2cosh(b)   (b finite)
//	log1pxy(±Inf, ±Inf) = 0, log1pxy(±Inf, ∓Inf) = −Inf
func log1pxy(a, b float64) float64 {
	ia, ib := math.IsInf(a, 0), math.IsInf(b, 0)
	switch {
	case !ia && !ib:
		s := a + b
		return math.Abs(s) - math.Abs(a) - math.Abs(b) + lr(s) - lr(a) - lr(b)
	case ia && !ib:
		return math.Copysign(1, a)*b - log2cosh(b)
	case !ia && ib:
		return math.Copysign(1, b)*a - log2cosh(a)
	case (a > 0) == (b > 0):
		return 0
	}
	return math.Inf(-1)
}

// crossEntropy returns the cross entropy of the ±1 distributions of
// magnetizations tanh(x) and tanh(y) given as fields,
//
//	−(1 + tanh x)/2 · log((1 + tanh y)/2) − (1 − tanh x)/2 · log((1 − tanh y)/2)
//	  = log2cosh(y) − tanh(x)·y
//
// Special cases are:
//
//	crossEntropy(x, ±Inf) = 0 if tanh(x) = ±1, +Inf otherwise
func crossEntropy(x, y float64) float64 {
	tx := math.Tanh(x)
	if math.IsInf(y, 0) {
		if tx == math.Copysign(1, y) {
			return 0
		}
		return math.Inf(1)
	}
	return log2cosh(y) - tx*y
}

// logZVar returns the log normaliser log Σ_{w=±1} Π_j (1 + tanh(a_j)·w)/2 of a
// binary variable receiving the messages (fields) a_0 = u0 and a_1… = u,
//
//	log2cosh(Σ_j a_j) − Σ_j log2cosh(a_j)
//
// with infinite fields handled exactly: −Inf when two of them disagree.
func logZVar(u0 float64, u []float64, stride int) float64 {
	var s1, s2 float64
	hard := 0.0
	add := func(a float64) bool {
		if math.IsInf(a, 0) {
			if hard == 0 {
				hard = math.Copysign(1, a)
			} else if hard != math.Copysign(1, a) {
				return false
			}
			return true
		}
		s1 += a
		s2 += log2cosh(a)
		return true
	}
	if !add(u0) {
		return math.Inf(-1)
	}
	for j := 0; j < len(u); j += stride {
		if !add(u[j]) {
			return math.Inf(-1)
		}
	}
	if hard != 0 {
		// Π over the finite messages of (1 + t_j·hard)/2.
		return hard*s1 - s2
	}
	return log2cosh(s1) - s2
}

// logErfc returns log(erfc(x)) for x ≥ 0 without underflow: the library
// Erfc up to x = 20, the asymptotic series
//
//	erfc(x) = exp(−x²)/(x√π) · (1 − 1/(2x²) + 3/(4x⁴) − 15/(8x⁶) + 105/(16x⁸) − …)
//
// beyond (truncated after 6 terms: relative error below 1e-12 for x > 20).
func logErfc(x float64) float64 {
	if x <= 20 {
		return math.Log(math.Erfc(x))
	}
	if math.IsInf(x, 1) {
		return math.Inf(-1)
	}
	z := 1 / (2 * x * x)
	// Σ_k (−1)^k (2k−1)!! / (2x²)^k, k = 0…5.
	s, t := 1.0, 1.0
	for k := 1; k <= 5; k++ {
		t *= -float64(2*k-1) * z
		s += t
	}
	return -x*x - math.Log(x*math.SqrtPi) + math.Log(s)
}

// atanherf returns atanh(erf(x)), the field of the magnetization erf(x):
// the direct formula for |x| ≤ 1 and, beyond, the stable form of
// ALGORITHMS §3.2,
//
//	sign(x)·( log 2 + log1p(−erfc(|x|)/2) − log erfc(|x|) ) / 2
//
// which grows like x²/2 and is finite for every finite x.
//
// Special cases are:
//
//	atanherf(±Inf) = ±Inf
//	atanherf(NaN) = NaN
func atanherf(x float64) float64 {
	ax := math.Abs(x)
	if ax <= 1 {
		return math.Atanh(math.Erf(x))
	}
	v := (math.Ln2 + math.Log1p(-math.Erfc(ax)/2) - logErfc(ax)) / 2
	return math.Copysign(v, x)
}

// mix returns the message to an input of a node whose output has cavity
// field aH, given the fields a₊, a₋ of the output magnetization when the
// input is +1 and −1:
//
//	u = ½ log( (1 + tanh(aH)·tanh(a₊)) / (1 + tanh(aH)·tanh(a₋)) )
//	  = ½ [ log2cosh(aH + a₊) − log2cosh(a₊) − log2cosh(aH + a₋) + log2cosh(a₋) ]
//
// Infinite fields are handled as the limits of this formula; where both
// probabilities vanish (aH = ±Inf against a₊ = a₋ = ∓Inf) the result is 0,
// and where exactly one vanishes it is ±FieldMax.
func mix(aH, ap, am float64) float64 {
	if aH == 0 {
		return 0
	}
	if !math.IsInf(aH, 0) {
		if math.IsInf(ap, 0) || math.IsInf(am, 0) {
			return (term(aH, ap) - term(aH, am)) / 2
		}
		// The four lr terms as the log of one ratio in [1/4, 4]: one
		// logarithm instead of four.
		xp, xm := aH+ap, aH+am
		t1 := math.Abs(xp) - math.Abs(ap) - math.Abs(xm) + math.Abs(am)
		e := func(x float64) float64 { return 1 + math.Exp(-2*math.Abs(x)) }
		return (t1 + math.Log(e(xp)*e(am)/(e(ap)*e(xm)))) / 2
	}
	// log(1 + s·tanh a) = s·a − log2cosh(a) + log 2 for finite a; with a
	// infinite it is log 2 (agreeing) or −Inf (disagreeing).
	s := math.Copysign(1, aH)
	ip, im := math.IsInf(ap, 0), math.IsInf(am, 0)
	okp, okm := !ip || math.Copysign(1, ap) == s, !im || math.Copysign(1, am) == s
	switch {
	case !okp && !okm:
		return 0
	case !okp:
		return -FieldMax
	case !okm:
		return FieldMax
	}
	hard := func(a float64, inf bool) float64 {
		if inf {
			return 0
		}
		return s*a - log2cosh(a)
	}
	return (hard(ap, ip) - hard(am, im)) / 2
}

// term returns log2cosh(aH + a) − log2cosh(a) = log(cosh(aH)·(1 + tanh(aH)·tanh(a)))
// for finite aH; for a = ±Inf it is the limit ±aH.
func term(aH, a float64) float64 {
	if math.IsInf(a, 0) {
		return math.Copysign(1, a) * aH
	}
	s := aH + a
	return math.Abs(s) - math.Abs(a) + lr(s) - lr(a)
}
