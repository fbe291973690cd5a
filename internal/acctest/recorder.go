package acctest

import "sync"

// recorder is a list that the servers under test append to, concurrently, and a test reads and resets.
type recorder[T any] struct {
	mu    sync.Mutex
	items []T
}

func (r *recorder[T]) add(items ...T) {
	r.mu.Lock()
	r.items = append(r.items, items...)
	r.mu.Unlock()
}

// Reset forgets what was recorded so far.
func (r *recorder[T]) Reset() {
	r.mu.Lock()
	r.items = nil
	r.mu.Unlock()
}

// all returns what was recorded since the last Reset, in the order it was recorded.
func (r *recorder[T]) all() []T {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]T(nil), r.items...)
}
