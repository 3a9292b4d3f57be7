<?xml version="1.0" encoding="UTF-8"?>
<tileset name="t" tilewidth="32" tileheight="32" tilecount="2" columns="2">
 <image source="t.png" width="64" height="32"/>
 <tile id="0"><properties><property name="terrain" value="ground"/></properties></tile>
 <tile id="1"><properties><property name="terrain" value="water"/></properties></tile>
</tileset>
