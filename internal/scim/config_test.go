package scim_test

import (
	"testing"

	"github.com/scim-migrate/scim-migrate/internal/scim"
	"github.com/scim-migrate/scim-migrate/internal/scim/scimtest"
)

func TestConfigEqual_ignoresMappingOrder(t *testing.T) {
	a := &scim.Config{UserIDAttribute: "userName", Mapping: scimtest.Pairs("a", "1", "b", "2")}
	b := &scim.Config{UserIDAttribute: "userName", Mapping: scimtest.Pairs("b", "2", "a", "1")}
	if !a.Equal(b) {
		t.Fatal("a reordered mapping must be equal")
	}
	c := &scim.Config{UserIDAttribute: "userName", Mapping: scimtest.Pairs("a", "1", "b", "3")}
	if a.Equal(c) || a.Equal(nil) || !(*scim.Config)(nil).Equal(nil) {
		t.Fatal("Equal must tell different configurations apart")
	}
	d := &scim.Config{UserIDAttribute: "externalId", Mapping: scimtest.Pairs("a", "1", "b", "2")}
	if a.Equal(d) {
		t.Fatal("user_id_attribute must count")
	}
}
