// Package memlimit estimates and bounds the memory a request may take.
//
// Every command or constructor that allocates in proportion to a size or
// count it was given first estimates the bytes it needs and calls Check
// against a limit. The limit defaults to half of the machine's memory, or a
// quarter of the process's address-space limit where that is smaller
// (Default), and is adjustable on the command line with -max-mem (Flag).
//
// Estimates are products of counts that a hostile caller controls, so they
// are computed with Product, which saturates at math.MaxInt64 instead of
// overflowing.
package memlimit

import (
	"bufio"
	"flag"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
)

// Fallback is the limit Default returns when the machine's memory cannot be
// read: 4 GiB.
const Fallback int64 = 4 << 30

// meminfo is the file Default reads; a variable so tests can point it
// elsewhere.
var meminfo = "/proc/meminfo"

// Default returns half of the machine's memory, MemTotal in /proc/meminfo,
// or Fallback when that file cannot be read or parsed. When the process's
// address space is limited (ulimit -v) to less than four times that, it
// returns a quarter of the limit instead: the Go runtime reserves address
// space well beyond the heap in use (under a limit of 2 GB, an allocation
// of 190 MB failed with 200 MB in use).
func Default() int64 {
	def := Fallback
	if total, ok := memTotal(meminfo); ok {
		def = total / 2
	}
	if as := addressSpace(); as > 0 && as/4 < def {
		return as / 4
	}
	return def
}

// addressSpace is addressSpaceLimit; a variable so tests can replace it.
var addressSpace = addressSpaceLimit

// memTotal returns the MemTotal line of a /proc/meminfo file in bytes.
func memTotal(path string) (int64, bool) {
	f, err := os.Open(path)
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), "MemTotal:")
		if !ok {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
		if err != nil || kb <= 0 || kb > math.MaxInt64/1024 {
			return 0, false
		}
		return kb * 1024, true
	}
	return 0, false
}

// Error is the error of Check: the request named Flag needs about Need bytes,
// more than Limit.
type Error struct {
	Flag        string
	Need, Limit int64
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s: needs about %s, above the memory limit of %s (set with -max-mem)",
		e.Flag, Format(e.Need), Format(e.Limit))
}

// Check returns a *Error when need exceeds limit, nil otherwise. flag names
// the request in the user's terms ("-m 1000000000", "Config.NIn"). A limit
// ≤ 0 means no limit.
func Check(flag string, need, limit int64) error {
	if limit <= 0 || need <= limit {
		return nil
	}
	return &Error{Flag: flag, Need: need, Limit: limit}
}

// Limit resolves the MaxMemory field of a settings struct: 0 means
// Default(), a negative value means no limit (0, as Check reads it), and
// any other value is the limit itself.
func Limit(setting int64) int64 {
	switch {
	case setting == 0:
		return Default()
	case setting < 0:
		return 0
	}
	return setting
}

// Largest returns the largest n in [0, hi] with need(n) ≤ limit, for a need
// that does not decrease with n: what a request could ask for instead. It
// returns hi when limit ≤ 0 (no limit) and −1 when even need(0) is over.
func Largest(hi, limit int64, need func(n int64) int64) int64 {
	if limit <= 0 {
		return hi
	}
	lo := int64(-1) // need(lo) ≤ limit, or lo = −1
	for lo < hi {
		mid := lo + (hi-lo+1)/2
		if need(mid) <= limit {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}

// Product returns the product of the factors, math.MaxInt64 if it
// overflows, and 0 if any factor is ≤ 0.
func Product(factors ...int64) int64 {
	p := int64(1)
	for _, f := range factors {
		if f <= 0 {
			return 0
		}
		if p > math.MaxInt64/f {
			p = math.MaxInt64
			continue
		}
		p *= f
	}
	return p
}

// Sum returns the sum of the terms, math.MaxInt64 if it overflows; negative
// terms count as 0.
func Sum(terms ...int64) int64 {
	s := int64(0)
	for _, t := range terms {
		if t <= 0 {
			continue
		}
		if s > math.MaxInt64-t {
			return math.MaxInt64
		}
		s += t
	}
	return s
}

var units = []struct {
	name string
	size int64
}{{"EiB", 1 << 60}, {"PiB", 1 << 50}, {"TiB", 1 << 40}, {"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}}

// Format writes a byte count with a binary unit and three significant
// digits: "512 B", "1.5 KiB", "44.7 GiB". math.MaxInt64 (a saturated
// estimate) reads "more than 8 EiB".
func Format(n int64) string {
	if n == math.MaxInt64 {
		return "more than 8 EiB"
	}
	for _, u := range units {
		if n >= u.size {
			return strconv.FormatFloat(float64(n)/float64(u.size), 'g', 3, 64) + " " + u.name
		}
	}
	return strconv.FormatInt(n, 10) + " B"
}

// Parse reads a byte count: a non-negative number with an optional unit B,
// K/KB/KiB, M/MB/MiB, G/GB/GiB or T/TB/TiB (all binary multiples, case
// ignored). "0" means no limit.
func Parse(s string) (int64, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	num := strings.TrimRightFunc(t, func(r rune) bool { return r >= 'a' && r <= 'z' })
	unit := strings.TrimSpace(t[len(num):])
	mult := int64(1)
	switch unit {
	case "", "b":
	case "k", "kb", "kib":
		mult = 1 << 10
	case "m", "mb", "mib":
		mult = 1 << 20
	case "g", "gb", "gib":
		mult = 1 << 30
	case "t", "tb", "tib":
		mult = 1 << 40
	default:
		return 0, fmt.Errorf("memlimit: %q: unknown unit %q (want B, KiB, MiB, GiB or TiB)", s, unit)
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
	if err != nil || !(v >= 0) || v*float64(mult) >= math.MaxInt64 {
		return 0, fmt.Errorf("memlimit: %q: want a byte count ≥ 0 such as 512MiB or 12GiB", s)
	}
	return int64(v * float64(mult)), nil
}

// Value is a flag.Value holding a byte limit, set with Parse and printed
// with Format.
type Value int64

func (v *Value) String() string {
	if v == nil || *v == 0 {
		return "0"
	}
	return strings.ReplaceAll(Format(int64(*v)), " ", "")
}

// Set parses s with Parse.
func (v *Value) Set(s string) error {
	n, err := Parse(s)
	if err != nil {
		return err
	}
	*v = Value(n)
	return nil
}

// Setting returns the value for a MaxMemory field: the limit, or −1 (no
// limit) for 0.
func (v *Value) Setting() int64 {
	if *v == 0 {
		return -1
	}
	return int64(*v)
}

// Flag defines -max-mem on fs with Default as its default and returns
// where its value is kept.
func Flag(fs *flag.FlagSet) *Value {
	v := Value(Default())
	fs.Var(&v, "max-mem", "memory limit of the request, e.g. 512MiB or 12GiB (0: no limit; default half the machine's memory)")
	return &v
}
