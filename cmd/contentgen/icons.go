package main

// icon returns the icon of a challenge: the same drawings as the zone's
// first media (cmd/zonegen), now owned by the contents.
func icon(challenge string) []byte {
	head := `<svg xmlns="http://www.w3.org/2000/svg" width="320" height="200" viewBox="0 0 320 200">` + "\n"
	switch challenge {
	case "innovation":
		return []byte(head + `<title>Innovation</title>
<rect width="320" height="200" fill="#fff4d6"/>
<circle cx="160" cy="85" r="45" fill="#ffcf33" stroke="#8a6d00" stroke-width="4"/>
<rect x="142" y="128" width="36" height="26" rx="4" fill="#8a8f99"/>
<path d="M145 95 L160 70 L175 95" fill="none" stroke="#8a6d00" stroke-width="4"/>
<g stroke="#ffb300" stroke-width="5" stroke-linecap="round">
<line x1="160" y1="15" x2="160" y2="30"/><line x1="90" y1="85" x2="105" y2="85"/><line x1="215" y1="85" x2="230" y2="85"/>
<line x1="110" y1="35" x2="121" y2="46"/><line x1="210" y1="35" x2="199" y2="46"/>
</g>
</svg>
`)
	case "inclusion":
		return []byte(head + `<title>Inclusion</title>
<rect width="320" height="200" fill="#e9f3ff"/>
<g fill="#2f6fb5"><circle cx="100" cy="70" r="18"/><rect x="82" y="92" width="36" height="56" rx="12"/></g>
<g fill="#d9467a"><circle cx="160" cy="62" r="18"/><rect x="142" y="84" width="36" height="64" rx="12"/></g>
<g fill="#2e9e6a"><circle cx="220" cy="70" r="18"/><rect x="202" y="92" width="36" height="56" rx="12"/></g>
<path d="M118 110 L142 110 M178 110 L202 110" stroke="#333" stroke-width="6" stroke-linecap="round"/>
</svg>
`)
	case "industrie-4.0":
		return []byte(head + `<title>Industrie 4.0</title>
<rect width="320" height="200" fill="#eef0f3"/>
<rect x="40" y="120" width="240" height="14" fill="#55585e"/>
<rect x="70" y="100" width="30" height="20" fill="#f0a030"/><rect x="190" y="100" width="30" height="20" fill="#f0a030"/>
<rect x="140" y="96" width="24" height="24" fill="#8a8f99"/>
<path d="M152 96 L152 60 L190 40 L210 55" fill="none" stroke="#2f6fb5" stroke-width="10" stroke-linecap="round" stroke-linejoin="round"/>
<circle cx="152" cy="60" r="8" fill="#1d3d63"/><circle cx="190" cy="40" r="8" fill="#1d3d63"/>
<path d="M60 40 q10 -12 20 0 M54 32 q16 -20 32 0" fill="none" stroke="#2e9e6a" stroke-width="4"/>
</svg>
`)
	}
	return []byte(head + `<title>Développement durable</title>
<rect width="320" height="200" fill="#eaf7e4"/>
<circle cx="160" cy="88" r="56" fill="none" stroke="#2e9e6a" stroke-width="10" stroke-dasharray="80 20"/>
<path d="M160 120 C120 100 130 60 170 52 C176 84 170 108 160 120 Z" fill="#6da84f"/>
<line x1="160" y1="120" x2="160" y2="140" stroke="#3f6b2c" stroke-width="5"/>
</svg>
`)
}
