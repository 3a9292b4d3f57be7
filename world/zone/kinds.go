package zone

import (
	"fmt"
	"slices"
)

// Building kinds: the closed list of docs/ZONE.md. The 3D page draws each
// with a model of its own, scaled to the building's rectangle and height; a
// building of another kind loads (an organiser's map is never refused for
// it) but is drawn as a generic block, and Warnings reports it.
const (
	KindFactory        = "factory"         // saw-tooth roofs, a small chimney
	KindPowerPlant     = "power_plant"     // thermal plant: turbine hall and boiler house
	KindChimney        = "chimney"         // a tall stack, red and white, with smoke
	KindCoolingTower   = "cooling_tower"   // the waisted tower of a power plant, with steam
	KindSolarFarm      = "solar_farm"      // rows of tilted panels
	KindWindTurbine    = "wind_turbine"    // mast, nacelle, three turning blades
	KindTidalPlant     = "tidal_plant"     // a dam across the water with turbine housings
	KindWarehouse      = "warehouse"       // long shed with a curved roof and loading doors
	KindTank           = "tank"            // round storage tanks
	KindSilo           = "silo"            // tall cylinders with conical tops
	KindCrane          = "crane"           // a quay crane: legs, jib over the water, cables
	KindContainerStack = "container_stack" // stacked shipping containers
	KindShip           = "ship"            // a cargo ship moored at the quay
	KindLighthouse     = "lighthouse"      // striped tower with a lantern
	KindPortOffice     = "port_office"     // harbour master's office with a control tower
	KindInfoCentre     = "info_centre"     // glass pavilion with an "i" sign
	KindTrainingCentre = "training_centre" // school building with a sign
	KindOffice         = "office"          // an office block
	KindAgoraStage     = "agora_stage"     // a stage with a roof and a screen
	KindWelcomeSign    = "welcome_sign"    // the "Bienvenue" arch of the spawn plaza
	KindMapBoard       = "map_board"       // a board showing the map of the zone
)

// BuildingKinds returns every building kind the pages draw with a model of
// their own, in the order of docs/ZONE.md.
func BuildingKinds() []string {
	return []string{
		KindFactory, KindPowerPlant, KindChimney, KindCoolingTower, KindSolarFarm, KindWindTurbine,
		KindTidalPlant, KindWarehouse, KindTank, KindSilo, KindCrane, KindContainerStack, KindShip,
		KindLighthouse, KindPortOffice, KindInfoCentre, KindTrainingCentre, KindOffice, KindAgoraStage,
		KindWelcomeSign, KindMapBoard,
	}
}

// AreaKinds returns the area kinds of docs/ZONE.md. Areas are drawn on the
// map (minimap, 2D view) by kind; another kind is drawn without an icon.
func AreaKinds() []string {
	return []string{AreaSpawn, "info_centre", "factories", "agora", "energy", "port"}
}

// Warnings reports what the map holds that the pages draw only generically:
// buildings and areas of kinds outside BuildingKinds and AreaKinds, and
// what Load ignores (a hotspot's old text or media property: contents are
// in the contents file). They are not problems (Load accepts them);
// zonecheck prints them so an organiser sees a typo.
func (z *Zone) Warnings() []*Error {
	out := slices.Clone(z.warnings)
	bk, ak := BuildingKinds(), AreaKinds()
	for _, b := range z.Buildings {
		if !slices.Contains(bk, b.Kind) {
			out = append(out, &Error{Object: "building " + b.ID, Problem: fmt.Sprintf("unknown kind %q: drawn as a generic block (see docs/ZONE.md for the kinds)", b.Kind)})
		}
	}
	for _, a := range z.Areas {
		if !slices.Contains(ak, a.Kind) {
			out = append(out, &Error{Object: "area " + a.ID, Problem: fmt.Sprintf("unknown kind %q: drawn without an icon (see docs/ZONE.md for the kinds)", a.Kind)})
		}
	}
	return out
}
