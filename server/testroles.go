package server

import (
	"strings"

	"github.com/usine-extraordinaire/fairworld/protocol"
)

// Test-only roles. Real roles come with signed staff tokens (a later stage);
// until then the page's and the bots' tests need professionals, teachers
// and moderators in the world (drawn apart, chat rights). With Config.TestRoles,
// and only then, a HELLO pseudonym starting with one of these prefixes joins
// with that role; the prefix is removed before the pseudonym check.
var testRolePrefixes = [...]struct {
	prefix string
	role   protocol.Role
}{
	{"pro:", protocol.RoleProfessional},
	{"prof:", protocol.RoleTeacher},
	{"mod:", protocol.RoleModerator},
}

// testRole splits a test role prefix off a pseudonym. Without one (or when
// test roles are off) it returns the pseudonym unchanged and RoleVisitor.
func testRole(enabled bool, pseudonym string) (string, protocol.Role) {
	if !enabled {
		return pseudonym, protocol.RoleVisitor
	}
	for _, p := range testRolePrefixes {
		if rest, ok := strings.CutPrefix(pseudonym, p.prefix); ok {
			return rest, p.role
		}
	}
	return pseudonym, protocol.RoleVisitor
}
