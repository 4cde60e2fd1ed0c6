package store

// SetLinkCache turns on or off what import batches learn of their children
// ahead of their links and the insert queue's selective writes (linkCache),
// returning the previous setting.
func SetLinkCache(on bool) bool {
	was := linkCache
	linkCache = on
	return was
}
