package main

// sector is an industrial sector of a booth: its key (the booth's sector
// property) and its French name (the booth object's label in Tiled). The
// stands' own names and fictional companies are in the contents file
// (world/content), never in the map.
type sector struct {
	key  string
	name string
}

func sectors() []sector {
	return []sector{
		{"aero", "Aéronautique"},
		{"nucleaire", "Énergie nucléaire"},
		{"chimie", "Chimie"},
		{"agro", "Agroalimentaire"},
		{"plasturgie", "Plasturgie"},
		{"metallurgie", "Métallurgie"},
		{"pharma", "Pharmacie"},
		{"micro", "Microélectronique"},
		{"auto", "Automobile"},
		{"ferroviaire", "Ferroviaire"},
		{"naval", "Construction navale"},
		{"renouvelables", "Énergies renouvelables"},
		{"textile", "Textile technique"},
		{"robotique", "Robotique"},
		{"papier", "Papier et carton"},
		{"verre", "Verrerie"},
		{"cosmetique", "Cosmétique"},
		{"mecanique", "Mécanique"},
		{"electronique", "Électronique"},
		{"bois", "Bois et ameublement"},
		{"recyclage", "Recyclage"},
		{"spatial", "Spatial"},
		{"materiaux", "Matériaux de construction"},
		{"emballage", "Emballage"},
	}
}

// landmarks returns the challenges of the hotspots beside one landmark, in
// the order they are placed. What they show is in the contents file, keyed
// by hotspot id; the order keeps every id with its challenge
// (world/zone/testdata/ids.txt).
func landmarks(place string) []string {
	switch place {
	case "info":
		return []string{"innovation", "inclusion", "industrie-4.0", "developpement-durable"}
	case "agora":
		return []string{"innovation", "inclusion", "developpement-durable"}
	case "tidal":
		return []string{"developpement-durable", "innovation", "industrie-4.0", "inclusion", "developpement-durable"}
	case "port":
		return []string{"inclusion", "industrie-4.0", "developpement-durable", "innovation", "inclusion", "industrie-4.0"}
	case "thermal":
		return []string{"industrie-4.0", "developpement-durable", "inclusion"}
	case "solar":
		return []string{"developpement-durable", "innovation", "industrie-4.0"}
	case "wind":
		return []string{"inclusion", "developpement-durable", "innovation", "industrie-4.0"}
	case "silo":
		return []string{"developpement-durable", "innovation"}
	}
	return nil
}
