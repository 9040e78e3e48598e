# A guest for the QEMU migration tests: a 32-bit multiboot (v1) kernel that QEMU boots with -kernel.
# Assemble and link: as --32 -o counter.o counter.s && ld -m elf_i386 -n -Ttext=0x100000 -e _start -o counter.elf counter.o
#
# It programs PIT (i8254) channel 2 once, then loops forever. Each round it adds one to a counter in RAM and reads
# channel 2's count back, so both RAM and a device's migrated state are visible from the host ("xp /4wx 0x200000"):
#   0x200000  rounds   (+1 per loop)
#   0x200004  the last PIT channel 2 count read back: always in 1..RELOAD (mode 2 counts RELOAD down to 1)
#   0x200008  MAGIC, written once everything is set up
#   0x20000c  periods: how many times the count went up (the channel reloaded), ~100 per second of guest time

        .set MAGIC,  0x54534d56         # "VMST"
        .set RELOAD, 0x2e9c             # 11932 ticks of 1.193182 MHz: 100 Hz
        .set BASE,   0x00200000

        .code32
        .text
        .globl _start

        # The multiboot header: magic, flags (none: the loader uses the ELF program headers), checksum.
        .align 4
        .long 0x1badb002
        .long 0
        .long -0x1badb002

_start:
        cli
        movl $0x00180000, %esp
        movl $BASE, %edi
        movl $0, 0(%edi)
        movl $0, 4(%edi)
        movl $0, 12(%edi)

        # Channel 2's gate on and the speaker off (port 0x61 bit 0 = gate, bit 1 = speaker data).
        inb $0x61, %al
        andb $0xfc, %al
        orb $0x01, %al
        outb %al, $0x61

        # Channel 2, low then high byte, mode 2 (rate generator), binary; then the reload value.
        movb $0xb4, %al
        outb %al, $0x43
        movb $(RELOAD & 0xff), %al
        outb %al, $0x42
        movb $(RELOAD >> 8), %al
        outb %al, $0x42

        movl $MAGIC, 8(%edi)
        movl $0xffffffff, %ebx          # the previous count: none yet

round:
        incl 0(%edi)
        movb $0x80, %al                 # latch channel 2's count
        outb %al, $0x43
        inb $0x42, %al
        movb %al, %cl
        inb $0x42, %al
        movb %al, %ch
        movzwl %cx, %ecx
        movl %ecx, 4(%edi)
        cmpl %ebx, %ecx
        jbe 1f
        incl 12(%edi)                   # the count went up: one more period
1:
        movl %ecx, %ebx
        jmp round
