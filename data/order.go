package data

import "math/rand/v2"

// orderStream is the PCG stream of the epoch orders (see OrderSource).
const orderStream = 0x0de1e7ab1e

// OrderSource returns the random source of the per-epoch training orders
// of a run with the given seed. Every trainer of this module (the PasP
// trainer, BinaryNet, EBP) draws one permutation rand.New(src).Perm(M) from
// it per epoch and uses it for nothing else, so runs of different
// algorithms with one seed see the training data in the same order.
func OrderSource(seed uint64) *rand.PCG { return rand.NewPCG(seed, orderStream) }
