package deploy

import "maps"

// Every resource gochalice creates carries three tags, so that a resource
// whose record was lost (a response that never arrived, a process killed
// between a create and the state write, a deleted state file) is found
// and adopted instead of created a second time, and so that `delete
// --by-tag` can find a stage's resources with no state at all.
const (
	TagApp      = "gochalice:app"
	TagStage    = "gochalice:stage"
	TagResource = "gochalice:resource" // the record name in .chalice/deployed/<stage>.json
)

// ownTags returns the tags of one resource of this app and stage.
func (x *executor) ownTags(resource string) map[string]string {
	return map[string]string{TagApp: x.app, TagStage: x.stage, TagResource: resource}
}

// withOwnTags merges the resource's tags into user tags (a copy).
func (x *executor) withOwnTags(user map[string]string, resource string) map[string]string {
	out := maps.Clone(user)
	if out == nil {
		out = map[string]string{}
	}
	maps.Copy(out, x.ownTags(resource))
	return out
}

// isOurs reports whether tags mark a resource of this app and stage,
// and, when resource is not "", that one.
func (x *executor) isOurs(tags map[string]string, resource string) bool {
	if tags[TagApp] != x.app || tags[TagStage] != x.stage {
		return false
	}
	return resource == "" || tags[TagResource] == resource
}

// missingTags returns the own tags a resource lacks (nil when it has
// them): resources deployed before tagging get them on the next deploy.
func (x *executor) missingTags(have map[string]string, resource string) map[string]string {
	var out map[string]string
	for k, v := range x.ownTags(resource) {
		if have[k] != v {
			if out == nil {
				out = map[string]string{}
			}
			out[k] = v
		}
	}
	return out
}
