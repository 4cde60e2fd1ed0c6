package store_test

import (
	"testing"
	"time"

	"github.com/contactpoint/contactpoint/internal/store"
)

// Item IDs made later sort after earlier ones (so item tables grow at
// their ends) and never repeat.
func TestItemIDsGrowAndDoNotRepeat(t *testing.T) {
	seen := map[string]bool{}
	first := store.NewItemID()
	for i := 0; i < 100000; i++ {
		id := store.NewItemID()
		if len(id) != 32 {
			t.Fatalf("item ID %q has %d characters; want 32", id, len(id))
		}
		if seen[id] {
			t.Fatalf("item ID %s repeated", id)
		}
		seen[id] = true
	}
	time.Sleep(2 * time.Millisecond)
	if later := store.NewItemID(); later <= first {
		t.Errorf("item ID made later %s does not sort after %s", later, first)
	}
}
