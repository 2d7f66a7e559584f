package tokenplan

import (
	"slices"
	"testing"

	"github.com/scim-migrate/scim-migrate/internal/scimtoken"
)

func TestFromRefs(t *testing.T) {
	t.Parallel()
	ids, conns := FromRefs([]scimtoken.TokenRef{
		{ConnectionID: "con_b", TokenID: "tok_1"}, {ConnectionID: "con_a", TokenID: "tok_2"}, {ConnectionID: "con_b", TokenID: "tok_3"},
	}, false)
	if len(ids) != 3 || !ids["tok_1"] || !ids["tok_2"] || !ids["tok_3"] || !slices.Equal(conns, []string{"con_b", "con_a"}) {
		t.Fatalf("ids %v, connections %v", ids, conns)
	}
	if ids, conns := FromRefs([]scimtoken.TokenRef{{ConnectionID: "con_b", TokenID: "tok_1"}}, true); !ids["tok_1"] || conns != nil {
		t.Fatalf("with a selection given: ids %v, connections %v (the selection stands)", ids, conns)
	}
	if ids, conns := FromRefs(nil, false); ids == nil || len(ids) != 0 || conns != nil {
		t.Fatalf("no refs: %v, %v (an empty choice of ids chooses none, not all)", ids, conns)
	}
}
