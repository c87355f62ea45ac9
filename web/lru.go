package web

import (
	"container/list"
	"sync"
)

// lru is a byte-bounded least-recently-used cache of encoded images.
type lru struct {
	mu    sync.Mutex
	max   int64
	size  int64
	ll    *list.List
	items map[string]*list.Element
	hits  int64
	miss  int64
}

type lruEntry struct {
	key string
	val []byte
}

func newLRU(maxBytes int64) *lru {
	return &lru{max: maxBytes, ll: list.New(), items: map[string]*list.Element{}}
}

func (c *lru) get(key string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[key]; ok {
		c.ll.MoveToFront(e)
		c.hits++
		return e.Value.(*lruEntry).val, true
	}
	c.miss++
	return nil, false
}

// add stores val unless it alone exceeds the bound, evicting the least
// recently used entries until the total fits.
func (c *lru) add(key string, val []byte) {
	n := int64(len(val)) + int64(len(key))
	if c.max <= 0 || n > c.max {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[key]; ok {
		old := e.Value.(*lruEntry)
		c.size += int64(len(val)) - int64(len(old.val))
		old.val = val
		c.ll.MoveToFront(e)
	} else {
		c.items[key] = c.ll.PushFront(&lruEntry{key, val})
		c.size += n
	}
	for c.size > c.max {
		e := c.ll.Back()
		ent := e.Value.(*lruEntry)
		c.ll.Remove(e)
		delete(c.items, ent.key)
		c.size -= int64(len(ent.val)) + int64(len(ent.key))
	}
}

func (c *lru) stats() (entries int, bytes, hits, misses int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ll.Len(), c.size, c.hits, c.miss
}
