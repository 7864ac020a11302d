@@ start pid=12928
@@ msgget tid=12928 ret=70615086 key=0 msgflg=896
@@ msgsnd tid=12928 ret=0 msqid=70615086 msgp=0x55cac8f6aa20 msgsz=16 msgflg=0 | mtype=3 mtext=aaaaaaaaaaaaaaaa
@@ msgsnd tid=12928 ret=0 msqid=70615086 msgp=0x55cac8f6a9c0 msgsz=8 msgflg=2048 | mtype=7 mtext=bbbbbbbb
@@ msgrcv tid=12928 ret=16 msqid=70615086 msgp=0x55cac8f6a960 msgsz=64 msgtyp=-5 msgflg=2048
@@ msgrcv tid=12928 ret=8 msqid=70615086 msgp=0x55cac8f6a960 msgsz=64 msgtyp=0 msgflg=0
@@ msgrcv tid=12928 ret=-42 msqid=70615086 msgp=0x55cac8f6a960 msgsz=64 msgtyp=0 msgflg=2048
@@ msgctl tid=12928 ret=0 msqid=70615086 cmd=2 buf=0x55cac8f6a760
@@ msgctl tid=12928 ret=-22 msqid=-1 cmd=2 buf=0x55cac8f6a760
@@ msgctl tid=12928 ret=0 msqid=70615086 cmd=0 buf=0x0
@@ mq_open tid=12928 ret=3 oflag=194 mode=384 attr=0x55cac8f6a720 | name=ktrail-wl-12928 mq_maxmsg=4 mq_msgsize=64
@@ mq_open tid=12928 ret=-17 oflag=194 mode=384 attr=0x0 | name=ktrail-wl-12928
@@ mq_timedsend tid=12928 ret=0 mqdes=3 msg_len=8 msg_prio=5 | msg_ptr=mmmmmmmm abs_timeout=1795452338.000000000
@@ mq_timedreceive tid=12928 ret=8 mqdes=3 msg_len=64 msg_prio=0x55cac8f6a660 | abs_timeout=1795452338.000000000
@@ mq_timedreceive tid=12928 ret=-110 mqdes=3 msg_len=64 msg_prio=0x0 | abs_timeout=0.000000000
@@ mq_getsetattr tid=12928 ret=0 mqdes=3 newattr=0x0 oldattr=0x55cac8f6a620
@@ mq_getsetattr tid=12928 ret=-14 mqdes=3 newattr=0x0 oldattr=0x8
@@ mq_notify tid=12928 ret=0 mqdes=3 sevp=0x55cac8f6a5e0
@@ mq_notify tid=12928 ret=0 mqdes=3 sevp=0x0
@@ mq_unlink tid=12928 ret=0 | name=ktrail-wl-12928
@@ mq_unlink tid=12928 ret=-2 | name=ktrail-wl-12928
@@ sendmsg tid=12928 ret=16 sockfd=3 msg=0x55cac8f6a560 flags=0 | msg_iovlen=1 msg_controllen=0 msg_flags=0
@@ recvmsg tid=12928 ret=16 sockfd=4 msg=0x55cac8f6a4c0 flags=0 | msg_iovlen=1 msg_controllen=0 msg_flags=0
@@ sendmmsg tid=12928 ret=2 sockfd=3 msgvec=0x55cac8f6a420 vlen=2 flags=0
@@ recvmmsg tid=12928 ret=2 sockfd=4 msgvec=0x55cac8f6a2a0 vlen=4 flags=64
@@ sendto tid=12928 ret=16 sockfd=3 buf=0x55cac8f6a5c0 len=16 flags=64 addrlen=0
@@ recvfrom tid=12928 ret=16 sockfd=4 buf=0x55cac8f6a500 len=64 flags=0 addrlen=0x0
@@ recvfrom tid=12928 ret=-11 sockfd=4 buf=0x55cac8f6a500 len=64 flags=64 addrlen=0x0
@@ sendto tid=12928 ret=16 sockfd=5 buf=0x55cac8f6a5c0 len=16 flags=0 addrlen=23 | dest_addr=AF_UNIX:@ktrail-wl-12928-0-to
@@ recvfrom tid=12928 ret=16 sockfd=6 buf=0x55cac8f6a500 len=64 flags=0 addrlen=0x55cac8f6a210
@@ sendto tid=12928 ret=-111 sockfd=5 buf=0x55cac8f6a5c0 len=16 flags=0 addrlen=27 | dest_addr=AF_UNIX:@ktrail-wl-12928-0-nobody
@@ sendmsg tid=12928 ret=16 sockfd=5 msg=0x55cac8f6a560 flags=0 | msg_name=AF_UNIX:@ktrail-wl-12928-0-to msg_iovlen=1 msg_controllen=0 msg_flags=0
@@ recvfrom tid=12928 ret=16 sockfd=6 buf=0x55cac8f6a500 len=64 flags=0 addrlen=0x0
@@ sendto tid=12928 ret=16 sockfd=7 buf=0x55cac8f6a5c0 len=16 flags=0 addrlen=16 | dest_addr=AF_INET:127.0.0.1:34321
# done pid=12928 calls=33
@@ start pid=12987 ppid=12928
@@ msgget tid=12987 ret=70615088 key=0 msgflg=896
@@ msgsnd tid=12987 ret=0 msqid=70615088 msgp=0x55cac8f6aa20 msgsz=16 msgflg=0 | mtype=3 mtext=aaaaaaaaaaaaaaaa
@@ msgsnd tid=12987 ret=0 msqid=70615088 msgp=0x55cac8f6a9c0 msgsz=8 msgflg=2048 | mtype=7 mtext=bbbbbbbb
@@ msgrcv tid=12987 ret=16 msqid=70615088 msgp=0x55cac8f6a960 msgsz=64 msgtyp=-5 msgflg=2048
@@ msgrcv tid=12987 ret=8 msqid=70615088 msgp=0x55cac8f6a960 msgsz=64 msgtyp=0 msgflg=0
@@ msgrcv tid=12987 ret=-42 msqid=70615088 msgp=0x55cac8f6a960 msgsz=64 msgtyp=0 msgflg=2048
@@ msgctl tid=12987 ret=0 msqid=70615088 cmd=2 buf=0x55cac8f6a760
@@ msgctl tid=12987 ret=-22 msqid=-1 cmd=2 buf=0x55cac8f6a760
@@ msgctl tid=12987 ret=0 msqid=70615088 cmd=0 buf=0x0
@@ mq_open tid=12987 ret=3 oflag=194 mode=384 attr=0x55cac8f6a720 | name=ktrail-wl-12987 mq_maxmsg=4 mq_msgsize=64
@@ mq_open tid=12987 ret=-17 oflag=194 mode=384 attr=0x0 | name=ktrail-wl-12987
@@ mq_timedsend tid=12987 ret=0 mqdes=3 msg_len=8 msg_prio=5 | msg_ptr=mmmmmmmm abs_timeout=1795452338.000000000
@@ mq_timedreceive tid=12987 ret=8 mqdes=3 msg_len=64 msg_prio=0x55cac8f6a660 | abs_timeout=1795452338.000000000
@@ mq_timedreceive tid=12987 ret=-110 mqdes=3 msg_len=64 msg_prio=0x0 | abs_timeout=0.000000000
@@ mq_getsetattr tid=12987 ret=0 mqdes=3 newattr=0x0 oldattr=0x55cac8f6a620
@@ mq_getsetattr tid=12987 ret=-14 mqdes=3 newattr=0x0 oldattr=0x8
@@ mq_notify tid=12987 ret=0 mqdes=3 sevp=0x55cac8f6a5e0
@@ mq_notify tid=12987 ret=0 mqdes=3 sevp=0x0
@@ mq_unlink tid=12987 ret=0 | name=ktrail-wl-12987
@@ mq_unlink tid=12987 ret=-2 | name=ktrail-wl-12987
@@ sendmsg tid=12987 ret=16 sockfd=3 msg=0x55cac8f6a560 flags=0 | msg_iovlen=1 msg_controllen=0 msg_flags=0
@@ recvmsg tid=12987 ret=16 sockfd=4 msg=0x55cac8f6a4c0 flags=0 | msg_iovlen=1 msg_controllen=0 msg_flags=0
@@ sendmmsg tid=12987 ret=2 sockfd=3 msgvec=0x55cac8f6a420 vlen=2 flags=0
@@ recvmmsg tid=12987 ret=2 sockfd=4 msgvec=0x55cac8f6a2a0 vlen=4 flags=64
@@ sendto tid=12987 ret=16 sockfd=3 buf=0x55cac8f6a5c0 len=16 flags=64 addrlen=0
@@ recvfrom tid=12987 ret=16 sockfd=4 buf=0x55cac8f6a500 len=64 flags=0 addrlen=0x0
@@ recvfrom tid=12987 ret=-11 sockfd=4 buf=0x55cac8f6a500 len=64 flags=64 addrlen=0x0
@@ sendto tid=12987 ret=16 sockfd=5 buf=0x55cac8f6a5c0 len=16 flags=0 addrlen=23 | dest_addr=AF_UNIX:@ktrail-wl-12987-0-to
@@ recvfrom tid=12987 ret=16 sockfd=6 buf=0x55cac8f6a500 len=64 flags=0 addrlen=0x55cac8f6a210
@@ sendto tid=12987 ret=-111 sockfd=5 buf=0x55cac8f6a5c0 len=16 flags=0 addrlen=27 | dest_addr=AF_UNIX:@ktrail-wl-12987-0-nobody
@@ sendmsg tid=12987 ret=16 sockfd=5 msg=0x55cac8f6a560 flags=0 | msg_name=AF_UNIX:@ktrail-wl-12987-0-to msg_iovlen=1 msg_controllen=0 msg_flags=0
@@ recvfrom tid=12987 ret=16 sockfd=6 buf=0x55cac8f6a500 len=64 flags=0 addrlen=0x0
@@ sendto tid=12987 ret=16 sockfd=7 buf=0x55cac8f6a5c0 len=16 flags=0 addrlen=16 | dest_addr=AF_INET:127.0.0.1:44131
# done pid=12987 calls=33
