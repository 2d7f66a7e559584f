package auth0api

import (
	"sync"
	"time"
)

// sendWindow is how far back sendRate looks.
const sendWindow = 5 * time.Second

// sendRate measures how many requests a second were sent lately, from the
// send times of the last sendWindow.
type sendRate struct {
	mu    sync.Mutex
	times []time.Time // in send order; older than sendWindow are dropped
}

func (s *sendRate) add(t time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.times = append(s.dropOld(t), t)
}

// rate is the requests sent per second over the last sendWindow; 0 until
// the window has seen two requests.
func (s *sendRate) rate(now time.Time) float64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.times = s.dropOld(now)
	if len(s.times) < 2 {
		return 0
	}
	span := now.Sub(s.times[0])
	return float64(len(s.times)) / max(span, time.Second).Seconds()
}

func (s *sendRate) dropOld(now time.Time) []time.Time {
	i := 0
	for i < len(s.times) && now.Sub(s.times[i]) > sendWindow {
		i++
	}
	return s.times[i:]
}
