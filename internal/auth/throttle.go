package auth

import (
	"net"
	"sync"
	"time"
)

// throttle refuses sign-in from an address after too many failures in a
// window. It lives in memory: it resets when the server restarts and is
// not shared between servers, which is acceptable because the per-user
// lock-out (in the database) is the control that protects an account; this
// one slows down an address trying many usernames. Behind a proxy the
// caller must pass the client's address, not the proxy's.
type throttle struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	block  time.Duration
	addrs  map[string]*addrState
}

type addrState struct {
	fails        []time.Time
	blockedUntil time.Time
}

func newThrottle(max int, window, block time.Duration) *throttle {
	return &throttle{max: max, window: window, block: block, addrs: map[string]*addrState{}}
}

// host drops the port, so every connection from one machine counts once.
func host(addr string) string {
	if h, _, err := net.SplitHostPort(addr); err == nil {
		return h
	}
	return addr
}

// blocked reports whether addr may not try now.
func (t *throttle) blocked(addr string, now time.Time) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := t.addrs[host(addr)]
	return s != nil && now.Before(s.blockedUntil)
}

// fail counts a failure from addr and blocks it when there have been max
// in the window.
func (t *throttle) fail(addr string, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.addrs) > 100_000 {
		t.prune(now)
	}
	h := host(addr)
	s := t.addrs[h]
	if s == nil {
		s = &addrState{}
		t.addrs[h] = s
	}
	s.fails = recent(append(s.fails, now), now.Add(-t.window))
	if len(s.fails) >= t.max {
		s.blockedUntil = now.Add(t.block)
		s.fails = s.fails[:0]
	}
}

func recent(ts []time.Time, since time.Time) []time.Time {
	i := 0
	for i < len(ts) && ts[i].Before(since) {
		i++
	}
	return ts[i:]
}

// prune forgets addresses with nothing recent, so the map stays bounded.
func (t *throttle) prune(now time.Time) {
	for h, s := range t.addrs {
		if now.After(s.blockedUntil) && len(recent(s.fails, now.Add(-t.window))) == 0 {
			delete(t.addrs, h)
		}
	}
}
