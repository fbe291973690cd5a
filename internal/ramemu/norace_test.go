//go:build !race

package ramemu

const raceEnabled = false
