package suggest

import "testing"

var columns = []string{"connection_id", "connection_name", "select_strategy", "select_name_pattern",
	"mode", "user_id_attribute", "scim", "auth0", "create_if_missing"}

func TestClosest(t *testing.T) {
	tests := []struct{ word, want string }{
		{"conection_id", "connection_id"},
		{"connectionId", "connection_id"},
		{"Connection-ID", "connection_id"},
		{"user_id_atribute", "user_id_attribute"},
		{"Auth0", "auth0"},
		{"auth", "auth0"},
		{"notes", ""},
		{"id", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Closest(tt.word, columns); got != tt.want {
			t.Errorf("Closest(%q) = %q, want %q", tt.word, got, tt.want)
		}
	}
}

func TestClosest_commands(t *testing.T) {
	commands := []string{"validate", "plan", "apply", "rollback", "export", "report", "tokens", "completion", "version"}
	for word, want := range map[string]string{"plna": "plan", "aply": "apply", "rolback": "rollback", "exprot": "export", "zzz": ""} {
		if got := Closest(word, commands); got != want {
			t.Errorf("Closest(%q) = %q, want %q", word, got, want)
		}
	}
}
