package protocol

import "math"

// Quantum is the position resolution: positions travel as uint16 multiples of
// 1/16 m, so the largest coordinate is 4095.94 m.
const (
	QuantaPerMetre = 16
	MaxCoordinate  = float64(math.MaxUint16) / QuantaPerMetre
)

// Quantise converts metres to wire units, rounding to nearest and clamping to [0, 65535].
func Quantise(m float64) uint16 {
	q := math.Round(m * QuantaPerMetre)
	if !(q >= 0) { // also catches NaN
		return 0
	}
	if q > math.MaxUint16 {
		return math.MaxUint16
	}
	return uint16(q)
}

// Dequantise converts wire units to metres.
func Dequantise(q uint16) float64 { return float64(q) / QuantaPerMetre }
