# Knowledge sessions and events (registration, capacity, waiting list, tickets,
# check-in, iCalendar) arrive here in a later issue; see DESIGN.md.
