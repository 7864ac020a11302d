@@ start pid=230
@@ msgget tid=230 ret=8 key=0 msgflg=896
@@ msgsnd tid=230 ret=0 msqid=8 msgp=0x6e3dc msgsz=16 msgflg=0 | mtype=3 mtext=aaaaaaaaaaaaaaaa
@@ msgsnd tid=230 ret=0 msqid=8 msgp=0x6e420 msgsz=8 msgflg=2048 | mtype=7 mtext=bbbbbbbb
@@ msgrcv tid=230 ret=16 msqid=8 msgp=0x6e464 msgsz=64 msgtyp=-5 msgflg=2048
@@ msgrcv tid=230 ret=8 msqid=8 msgp=0x6e464 msgsz=64 msgtyp=0 msgflg=0
@@ msgrcv tid=230 ret=-42 msqid=8 msgp=0x6e464 msgsz=64 msgtyp=0 msgflg=2048
@@ msgctl tid=230 ret=0 msqid=8 cmd=2 buf=0x6e4a8
@@ msgctl tid=230 ret=-22 msqid=-1 cmd=2 buf=0x6e4a8
@@ msgctl tid=230 ret=0 msqid=8 cmd=0 buf=0x0
@@ mq_open tid=230 ret=3 oflag=194 mode=384 attr=0x6e6a8 | name=ktrail-wl-230 mq_maxmsg=4 mq_msgsize=64
@@ mq_open tid=230 ret=-17 oflag=194 mode=384 attr=0x0 | name=ktrail-wl-230
@@ mq_timedsend tid=230 ret=0 mqdes=3 msg_len=8 msg_prio=5 | msg_ptr=mmmmmmmm abs_timeout=1795455225.000000000
@@ mq_timedreceive tid=230 ret=8 mqdes=3 msg_len=64 msg_prio=0x6e768 | abs_timeout=1795455225.000000000
@@ mq_timedreceive tid=230 ret=-110 mqdes=3 msg_len=64 msg_prio=0x0 | abs_timeout=0.000000000
@@ mq_timedsend_time32 tid=230 ret=0 mqdes=3 msg_len=8 msg_prio=7 u_abs_timeout=0x6e7d0 | u_msg_ptr=mmmmmmmm
@@ mq_timedreceive_time32 tid=230 ret=8 mqdes=3 msg_len=64 u_msg_prio=0x6e768 u_abs_timeout=0x6e7d0
@@ mq_getsetattr tid=230 ret=0 mqdes=3 newattr=0x0 oldattr=0x6e6c8
@@ mq_getsetattr tid=230 ret=-14 mqdes=3 newattr=0x0 oldattr=0x8
@@ mq_notify tid=230 ret=0 mqdes=3 sevp=0x6e790
@@ mq_notify tid=230 ret=0 mqdes=3 sevp=0x0
@@ mq_unlink tid=230 ret=0 | name=ktrail-wl-230
@@ mq_unlink tid=230 ret=-2 | name=ktrail-wl-230
@@ sendmsg tid=230 ret=16 sockfd=3 msg=0x6e8b0 flags=0 | msg_iovlen=1 msg_controllen=0 msg_flags=0
@@ recvmsg tid=230 ret=16 sockfd=4 msg=0x6e8cc flags=0 | msg_iovlen=1 msg_controllen=0 msg_flags=0
@@ sendmmsg tid=230 ret=2 sockfd=3 msgvec=0x6e8e8 vlen=2 flags=0
@@ recvmmsg tid=230 ret=2 sockfd=4 msgvec=0x6e928 vlen=4 flags=64
@@ sendto tid=230 ret=16 sockfd=3 buf=0x6e7d8 len=16 flags=64 addrlen=0
@@ recvfrom tid=230 ret=16 sockfd=4 buf=0x6e7f0 len=64 flags=0 addrlen=0x0
@@ recvfrom tid=230 ret=-11 sockfd=4 buf=0x6e7f0 len=64 flags=64 addrlen=0x0
@@ sendto tid=230 ret=16 sockfd=5 buf=0x6e7d8 len=16 flags=0 addrlen=21 | dest_addr=AF_UNIX:@ktrail-wl-230-0-to
@@ recvfrom tid=230 ret=16 sockfd=6 buf=0x6e7f0 len=64 flags=0 addrlen=0x6eaf4
@@ sendto tid=230 ret=-111 sockfd=5 buf=0x6e7d8 len=16 flags=0 addrlen=25 | dest_addr=AF_UNIX:@ktrail-wl-230-0-nobody
@@ sendmsg tid=230 ret=16 sockfd=5 msg=0x6e8b0 flags=0 | msg_name=AF_UNIX:@ktrail-wl-230-0-to msg_iovlen=1 msg_controllen=0 msg_flags=0
@@ recvfrom tid=230 ret=16 sockfd=6 buf=0x6e7f0 len=64 flags=0 addrlen=0x0
@@ sendto tid=230 ret=16 sockfd=7 buf=0x6e7d8 len=16 flags=0 addrlen=16 | dest_addr=AF_INET:127.0.0.1:49383
# done pid=230 calls=35
@@ start pid=232 ppid=230
@@ msgget tid=232 ret=9 key=0 msgflg=896
@@ msgsnd tid=232 ret=0 msqid=9 msgp=0x6e3dc msgsz=16 msgflg=0 | mtype=3 mtext=aaaaaaaaaaaaaaaa
@@ msgsnd tid=232 ret=0 msqid=9 msgp=0x6e420 msgsz=8 msgflg=2048 | mtype=7 mtext=bbbbbbbb
@@ msgrcv tid=232 ret=16 msqid=9 msgp=0x6e464 msgsz=64 msgtyp=-5 msgflg=2048
@@ msgrcv tid=232 ret=8 msqid=9 msgp=0x6e464 msgsz=64 msgtyp=0 msgflg=0
@@ msgrcv tid=232 ret=-42 msqid=9 msgp=0x6e464 msgsz=64 msgtyp=0 msgflg=2048
@@ msgctl tid=232 ret=0 msqid=9 cmd=2 buf=0x6e4a8
@@ msgctl tid=232 ret=-22 msqid=-1 cmd=2 buf=0x6e4a8
@@ msgctl tid=232 ret=0 msqid=9 cmd=0 buf=0x0
@@ mq_open tid=232 ret=3 oflag=194 mode=384 attr=0x6e6a8 | name=ktrail-wl-232 mq_maxmsg=4 mq_msgsize=64
@@ mq_open tid=232 ret=-17 oflag=194 mode=384 attr=0x0 | name=ktrail-wl-232
@@ mq_timedsend tid=232 ret=0 mqdes=3 msg_len=8 msg_prio=5 | msg_ptr=mmmmmmmm abs_timeout=1795455225.000000000
@@ mq_timedreceive tid=232 ret=8 mqdes=3 msg_len=64 msg_prio=0x6e768 | abs_timeout=1795455225.000000000
@@ mq_timedreceive tid=232 ret=-110 mqdes=3 msg_len=64 msg_prio=0x0 | abs_timeout=0.000000000
@@ mq_timedsend_time32 tid=232 ret=0 mqdes=3 msg_len=8 msg_prio=7 u_abs_timeout=0x6e7d0 | u_msg_ptr=mmmmmmmm
@@ mq_timedreceive_time32 tid=232 ret=8 mqdes=3 msg_len=64 u_msg_prio=0x6e768 u_abs_timeout=0x6e7d0
@@ mq_getsetattr tid=232 ret=0 mqdes=3 newattr=0x0 oldattr=0x6e6c8
@@ mq_getsetattr tid=232 ret=-14 mqdes=3 newattr=0x0 oldattr=0x8
@@ mq_notify tid=232 ret=0 mqdes=3 sevp=0x6e790
@@ mq_notify tid=232 ret=0 mqdes=3 sevp=0x0
@@ mq_unlink tid=232 ret=0 | name=ktrail-wl-232
@@ mq_unlink tid=232 ret=-2 | name=ktrail-wl-232
@@ sendmsg tid=232 ret=16 sockfd=3 msg=0x6e8b0 flags=0 | msg_iovlen=1 msg_controllen=0 msg_flags=0
@@ recvmsg tid=232 ret=16 sockfd=4 msg=0x6e8cc flags=0 | msg_iovlen=1 msg_controllen=0 msg_flags=0
@@ sendmmsg tid=232 ret=2 sockfd=3 msgvec=0x6e8e8 vlen=2 flags=0
@@ recvmmsg tid=232 ret=2 sockfd=4 msgvec=0x6e928 vlen=4 flags=64
@@ sendto tid=232 ret=16 sockfd=3 buf=0x6e7d8 len=16 flags=64 addrlen=0
@@ recvfrom tid=232 ret=16 sockfd=4 buf=0x6e7f0 len=64 flags=0 addrlen=0x0
@@ recvfrom tid=232 ret=-11 sockfd=4 buf=0x6e7f0 len=64 flags=64 addrlen=0x0
@@ sendto tid=232 ret=16 sockfd=5 buf=0x6e7d8 len=16 flags=0 addrlen=21 | dest_addr=AF_UNIX:@ktrail-wl-232-0-to
@@ recvfrom tid=232 ret=16 sockfd=6 buf=0x6e7f0 len=64 flags=0 addrlen=0x6eaf4
@@ sendto tid=232 ret=-111 sockfd=5 buf=0x6e7d8 len=16 flags=0 addrlen=25 | dest_addr=AF_UNIX:@ktrail-wl-232-0-nobody
@@ sendmsg tid=232 ret=16 sockfd=5 msg=0x6e8b0 flags=0 | msg_name=AF_UNIX:@ktrail-wl-232-0-to msg_iovlen=1 msg_controllen=0 msg_flags=0
@@ recvfrom tid=232 ret=16 sockfd=6 buf=0x6e7f0 len=64 flags=0 addrlen=0x0
@@ sendto tid=232 ret=16 sockfd=7 buf=0x6e7d8 len=16 flags=0 addrlen=16 | dest_addr=AF_INET:127.0.0.1:46204
# done pid=232 calls=35
