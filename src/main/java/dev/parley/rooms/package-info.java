/** Rooms: public, private and direct rooms, memberships and read markers. */
package dev.parley.rooms;
