// Seed 002's client `login` function (Python, verbatim), shared by the tests that run the seeds' own client code against the UDP door.

/** `def login(s, ADDR)` as seed 002 publishes it: asks for a name until the door answers OK; ends with a newline. */
export const SEED_LOGIN_DEF = `def login(s, ADDR):
    while True:
        name = input("请输入用户名:")
        msg = "L " + name
        s.sendto(msg.encode(), ADDR)
        # 接收登录结果
        data, addr = s.recvfrom(1024)
        if data.decode() == 'OK':
            print("@进入聊天室@")
            return name
        else:
            print(data.decode())
`;
