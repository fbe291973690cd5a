package resources

import "time"

// AdvanceRotationClockForTesting moves the clock that rotation plans read (overlap and max_age) forward by
// d, for the acceptance tests in resources_test; restore puts it back.
func AdvanceRotationClockForTesting(d time.Duration) (restore func()) {
	prev := rotationClockOffset.Add(int64(d)) - int64(d)
	return func() { rotationClockOffset.Store(prev) }
}
