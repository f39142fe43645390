"""Telephony (issue 15): the desk's softphone (baresip over ctrl_tcp) and the room's SIP proxy (kamailio).

Qt-free and asyncio: the console drives a `Softphone` (softphone.py) that runs baresip as a supervised
child process and reports `CallEvent`s (events.py); proxy.py writes and runs the room's kamailio.
"""
